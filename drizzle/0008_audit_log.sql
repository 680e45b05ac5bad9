CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`object_id` integer,
	`details` text,
	`dedupe_key` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_dedupe_key_unique` ON `audit_log` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`);