CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`chat_id` integer NOT NULL,
	`locale` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer DEFAULT 0 NOT NULL,
	`message_id` integer,
	`error` text,
	`done_at` integer,
	FOREIGN KEY (`job_id`) REFERENCES `delivery_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_job_chat_idx` ON `deliveries` (`job_id`,`chat_id`);--> statement-breakpoint
CREATE INDEX `deliveries_pending_idx` ON `deliveries` (`status`,`job_id`,`id`);--> statement-breakpoint
CREATE INDEX `deliveries_chat_idx` ON `deliveries` (`chat_id`);--> statement-breakpoint
CREATE TABLE `delivery_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`content` text,
	`status` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`send_at` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`end_reason` text,
	`sent` integer DEFAULT 0 NOT NULL,
	`blocked` integer DEFAULT 0 NOT NULL,
	`gone` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`reported_at` integer,
	`start_announced_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_jobs_key_unique` ON `delivery_jobs` (`key`);--> statement-breakpoint
CREATE INDEX `delivery_jobs_status_idx` ON `delivery_jobs` (`status`,`send_at`);--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`job_id` integer PRIMARY KEY NOT NULL,
	`author_id` integer,
	`audience` text NOT NULL,
	`volunteers` integer NOT NULL,
	`groups` integer NOT NULL,
	`created_at` integer NOT NULL
);
