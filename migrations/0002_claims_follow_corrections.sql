DROP INDEX `claims_contract_outage_unique`;--> statement-breakpoint
ALTER TABLE `claims` ADD `resolution` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `resolved_by` text;--> statement-breakpoint
CREATE INDEX `claims_contract_outage_idx` ON `claims` (`contract_id`,`outage_start`);