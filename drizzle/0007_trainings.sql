CREATE TABLE `training_certificates` (
	`number` text PRIMARY KEY NOT NULL,
	`training_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`training_id`) REFERENCES `trainings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_certificates_person` ON `training_certificates` (`training_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `training_certificates_user` ON `training_certificates` (`user_id`);--> statement-breakpoint
CREATE TABLE `training_registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`training_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`queued_at` integer NOT NULL,
	`seated_at` integer,
	`cancelled_at` integer,
	`moves` integer DEFAULT 0 NOT NULL,
	`moves_noticed` integer DEFAULT 0 NOT NULL,
	`reminded_at` integer,
	`attended` integer,
	FOREIGN KEY (`training_id`) REFERENCES `trainings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `training_registrations_person` ON `training_registrations` (`training_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `training_registrations_user` ON `training_registrations` (`user_id`);--> statement-breakpoint
CREATE INDEX `training_registrations_line` ON `training_registrations` (`training_id`,`status`,`queued_at`);--> statement-breakpoint
CREATE TABLE `trainings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text,
	`title` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`place` text,
	`online_url` text,
	`description` text NOT NULL,
	`capacity` integer,
	`registration_deadline` integer,
	`audience` text NOT NULL,
	`status` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cancelled_at` integer,
	`attendance_saved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trainings_key_unique` ON `trainings` (`key`);--> statement-breakpoint
CREATE INDEX `trainings_starts_at` ON `trainings` (`starts_at`);