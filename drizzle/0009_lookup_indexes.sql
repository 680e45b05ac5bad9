CREATE INDEX `delivery_jobs_creator_idx` ON `delivery_jobs` (`created_by`);--> statement-breakpoint
CREATE INDEX `delivery_jobs_announce_idx` ON `delivery_jobs` (`start_announced_at`,`started_at`);--> statement-breakpoint
CREATE INDEX `broadcasts_author_idx` ON `broadcasts` (`author_id`);--> statement-breakpoint
CREATE INDEX `training_registrations_unnoticed` ON `training_registrations` (`training_id`) WHERE "training_registrations"."moves" > "training_registrations"."moves_noticed";--> statement-breakpoint
CREATE INDEX `trainings_created_by` ON `trainings` (`created_by`);