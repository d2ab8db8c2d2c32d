ALTER TABLE `claims` ADD `outage_end` integer;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_known_up_to` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_clock_start` integer;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_qualifies` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_unavailable_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_credit_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_monthly_fee_base` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_credit_amount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_claimable_from` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_claim_deadline` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `outage_incident_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `claims` ADD `resolution_code` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `resolution_params` text;