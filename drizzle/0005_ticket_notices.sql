CREATE TABLE `ticket_notices` (
	`staff_message_id` integer PRIMARY KEY NOT NULL,
	`ticket_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_notices_ticket_idx` ON `ticket_notices` (`ticket_id`);