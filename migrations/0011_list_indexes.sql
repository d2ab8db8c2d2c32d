DROP INDEX `claims_contract_idx`;--> statement-breakpoint
CREATE INDEX `claims_list_idx` ON `claims` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `claims_contract_list_idx` ON `claims` (`contract_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `claims_status_list_idx` ON `claims` (`status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `contracts_customer_idx`;--> statement-breakpoint
CREATE INDEX `contracts_customer_list_idx` ON `contracts` (`customer_id`,`contract_number`,`id`);--> statement-breakpoint
CREATE INDEX `contracts_region_idx` ON `contracts` (`region`);--> statement-breakpoint
CREATE INDEX `customers_list_idx` ON `customers` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_list_idx` ON `incidents` (`aware_at`,`id`);--> statement-breakpoint
CREATE INDEX `usage_list_idx` ON `usage_observations` (`month`,`id`);--> statement-breakpoint
CREATE INDEX `users_list_idx` ON `users` (`created_at`,`id`);