CREATE INDEX `ticket_messages_delivered_idx` ON `ticket_messages` (`delivered_at`);--> statement-breakpoint
CREATE INDEX `ticket_notices_created_idx` ON `ticket_notices` (`created_at`);