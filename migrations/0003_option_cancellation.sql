ALTER TABLE `contract_options` ADD `cancellation_notice_date` text;--> statement-breakpoint
ALTER TABLE `contract_options` ADD `cancellation_requested_date` text;--> statement-breakpoint
ALTER TABLE `contract_options` ADD `early_termination_charge` integer;