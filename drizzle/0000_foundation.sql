CREATE TABLE `users` (
	`id` integer PRIMARY KEY NOT NULL,
	`first_name` text NOT NULL,
	`username` text,
	`locale` text,
	`consented_at` integer NOT NULL,
	`onboarded_at` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`notify_trainings` integer DEFAULT true NOT NULL,
	`notify_announcements` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `municipalities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `municipalities_name_unique` ON `municipalities` (`name`);--> statement-breakpoint
CREATE TABLE `circle_municipalities` (
	`circle_id` integer NOT NULL,
	`municipality_id` integer NOT NULL,
	PRIMARY KEY(`circle_id`, `municipality_id`),
	FOREIGN KEY (`circle_id`) REFERENCES `helper_circles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `helper_circles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `helper_circles_name_unique` ON `helper_circles` (`name`);--> statement-breakpoint
CREATE TABLE `circle_memberships` (
	`user_id` integer NOT NULL,
	`circle_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `circle_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`circle_id`) REFERENCES `helper_circles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `user_municipalities` (
	`user_id` integer NOT NULL,
	`municipality_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `municipality_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipalities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `update_effects` (
	`update_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`update_id`, `seq`),
	FOREIGN KEY (`update_id`) REFERENCES `update_journal`(`update_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `update_journal` (
	`update_id` integer PRIMARY KEY NOT NULL,
	`order_key` text NOT NULL,
	`user_id` integer,
	`payload` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `update_journal_status_idx` ON `update_journal` (`status`,`update_id`);--> statement-breakpoint
CREATE INDEX `update_journal_user_idx` ON `update_journal` (`user_id`);