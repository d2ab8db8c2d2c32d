CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` text PRIMARY KEY NOT NULL,
	`contract_id` text NOT NULL,
	`outage_start` integer NOT NULL,
	`received_at` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`note` text,
	`status` text NOT NULL,
	`outage` text,
	`credit_notice_id` text,
	`idempotency_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`contract_id`) REFERENCES `contracts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claims_contract_outage_unique` ON `claims` (`contract_id`,`outage_start`);--> statement-breakpoint
CREATE UNIQUE INDEX `claims_idempotency_unique` ON `claims` (`recorded_by`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `claims_contract_idx` ON `claims` (`contract_id`);--> statement-breakpoint
CREATE TABLE `contract_fee_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`contract_id` text NOT NULL,
	`effective_date` text NOT NULL,
	`monthly_fee` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contract_id`) REFERENCES `contracts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fee_changes_contract_date_unique` ON `contract_fee_changes` (`contract_id`,`effective_date`);--> statement-breakpoint
CREATE TABLE `contract_options` (
	`id` text PRIMARY KEY NOT NULL,
	`contract_id` text NOT NULL,
	`kind` text NOT NULL,
	`regions` text NOT NULL,
	`monthly_fee` integer NOT NULL,
	`billing_start_date` text NOT NULL,
	`end_date` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contract_id`) REFERENCES `contracts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `options_contract_idx` ON `contract_options` (`contract_id`);--> statement-breakpoint
CREATE TABLE `contracts` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`contract_number` text NOT NULL,
	`licenses` integer NOT NULL,
	`concurrent_devices` integer NOT NULL,
	`servers` integer NOT NULL,
	`region` text NOT NULL,
	`redundancy` integer NOT NULL,
	`billing_start_date` text NOT NULL,
	`monthly_fee` integer NOT NULL,
	`cancellation_notice_date` text,
	`cancellation_requested_date` text,
	`termination_effective_date` text,
	`early_termination_charge` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contracts_number_unique` ON `contracts` (`contract_number`);--> statement-breakpoint
CREATE INDEX `contracts_customer_idx` ON `contracts` (`customer_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`address` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `incident_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` text NOT NULL,
	`position` integer NOT NULL,
	`start` integer NOT NULL,
	`end` integer,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `intervals_incident_idx` ON `incident_intervals` (`incident_id`);--> statement-breakpoint
CREATE TABLE `incident_scope` (
	`incident_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_scope_unique` ON `incident_scope` (`incident_id`,`kind`,`value`);--> statement-breakpoint
CREATE INDEX `incident_scope_value_idx` ON `incident_scope` (`kind`,`value`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`cause` text NOT NULL,
	`severity` text NOT NULL,
	`aware_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `usage_observations` (
	`id` text PRIMARY KEY NOT NULL,
	`contract_id` text NOT NULL,
	`month` text NOT NULL,
	`peak_concurrent_devices` integer NOT NULL,
	`contracted_concurrent_devices` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`contract_id`) REFERENCES `contracts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_contract_month_unique` ON `usage_observations` (`contract_id`,`month`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`customer_id` text,
	`password_hash` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);