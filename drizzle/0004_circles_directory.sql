CREATE TABLE `circle_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`circle_id` integer,
	`circle_name` text NOT NULL,
	`action` text NOT NULL,
	`changed_by` integer,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `circle_changes_circle_idx` ON `circle_changes` (`circle_id`);--> statement-breakpoint
CREATE INDEX `circle_changes_by_idx` ON `circle_changes` (`changed_by`);--> statement-breakpoint
CREATE TABLE `circle_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`circle_id` integer NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`email` text,
	`telegram_username` text,
	`published` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`circle_id`) REFERENCES `helper_circles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `circle_contacts_circle_idx` ON `circle_contacts` (`circle_id`,`position`);--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `description` text;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `meeting_time` text;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `meeting_place` text;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `published` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `telegram_chat_id` integer;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `is_example` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `helper_circles` ADD `updated_by` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `helper_circles_telegram_chat_id_unique` ON `helper_circles` (`telegram_chat_id`);