CREATE TABLE `credit_notice_approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` text NOT NULL,
	`user_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`notice_id`) REFERENCES `credit_notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notice_approvals_user_unique` ON `credit_notice_approvals` (`notice_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `credit_notice_documents` (
	`notice_id` text NOT NULL,
	`lang` text NOT NULL,
	`format` text NOT NULL,
	`bytes` blob NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`notice_id`, `lang`, `format`),
	FOREIGN KEY (`notice_id`) REFERENCES `credit_notices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `credit_notice_number_sequences` (
	`year` integer PRIMARY KEY NOT NULL,
	`last_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `credit_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`claim_id` text NOT NULL,
	`contract_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`number` text,
	`credit_days` integer NOT NULL,
	`monthly_fee_base` integer NOT NULL,
	`amount` integer NOT NULL,
	`tax_rate_percent` integer NOT NULL,
	`tax_amount` integer NOT NULL,
	`total_amount` integer NOT NULL,
	`billing_month` text NOT NULL,
	`outage_start` integer NOT NULL,
	`outage_end` integer NOT NULL,
	`outage_clock_start` integer NOT NULL,
	`outage_unavailable_ms` integer NOT NULL,
	`outage_incident_ids` text NOT NULL,
	`computation` text NOT NULL,
	`corrects_notice_id` text,
	`approved_at` integer,
	`rejected_by` text,
	`rejected_at` integer,
	`reject_reason` text,
	`withdrawal_code` text,
	`voided_by` text,
	`voided_at` integer,
	`void_reason` text,
	`discrepancy` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contract_id`) REFERENCES `contracts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rejected_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notices_number_unique` ON `credit_notices` (`number`);--> statement-breakpoint
CREATE INDEX `credit_notices_claim_idx` ON `credit_notices` (`claim_id`);--> statement-breakpoint
CREATE INDEX `credit_notices_status_idx` ON `credit_notices` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `credit_notices_customer_idx` ON `credit_notices` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `credit_notices_approved_idx` ON `credit_notices` (`approved_at`);--> statement-breakpoint
CREATE INDEX `credit_notices_corrects_idx` ON `credit_notices` (`corrects_notice_id`);