DROP INDEX `intervals_incident_idx`;--> statement-breakpoint
CREATE INDEX `intervals_incident_idx` ON `incident_intervals` (`incident_id`,`position`,`start`,`end`);--> statement-breakpoint
DROP INDEX `incident_scope_value_idx`;--> statement-breakpoint
CREATE INDEX `incident_scope_value_idx` ON `incident_scope` (`kind`,`value`,`incident_id`);