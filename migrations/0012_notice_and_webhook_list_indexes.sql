CREATE INDEX `credit_notices_list_idx` ON `credit_notices` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhooks_list_idx` ON `webhooks` (`created_at`,`id`);