CREATE TABLE `staff_absence` (
	`id` integer PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`until` integer NOT NULL,
	`set_by` integer NOT NULL,
	`set_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`direction` text NOT NULL,
	`author_id` integer NOT NULL,
	`text` text,
	`entities` text,
	`media` text,
	`media_group_id` text,
	`volunteer_message_id` integer,
	`staff_message_id` integer,
	`copyable` integer DEFAULT true NOT NULL,
	`delivery` text DEFAULT 'pending' NOT NULL,
	`delivery_attempts` integer DEFAULT 0 NOT NULL,
	`delivery_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`edited_at` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_messages_ticket_idx` ON `ticket_messages` (`ticket_id`,`id`);--> statement-breakpoint
CREATE INDEX `ticket_messages_delivery_idx` ON `ticket_messages` (`delivery`,`ticket_id`);--> statement-breakpoint
CREATE INDEX `ticket_messages_staff_idx` ON `ticket_messages` (`staff_message_id`);--> statement-breakpoint
CREATE INDEX `ticket_messages_volunteer_idx` ON `ticket_messages` (`volunteer_message_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`volunteer_id` integer NOT NULL,
	`source_key` text NOT NULL,
	`topic` text NOT NULL,
	`volunteer_label` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assignee_id` integer,
	`assignee_name` text,
	`staff_thread_id` integer,
	`staff_header_message_id` integer,
	`created_at` integer NOT NULL,
	`last_volunteer_at` integer NOT NULL,
	`waiting_since` integer,
	`last_staff_at` integer,
	`last_reminder_at` integer,
	`closed_at` integer,
	`closed_by` integer,
	`rating` integer,
	`content_purged_at` integer,
	FOREIGN KEY (`volunteer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_source_key_unique` ON `tickets` (`source_key`);--> statement-breakpoint
CREATE INDEX `tickets_volunteer_idx` ON `tickets` (`volunteer_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_status_idx` ON `tickets` (`status`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_thread_idx` ON `tickets` (`staff_thread_id`);