CREATE TABLE `faq_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`topic` text NOT NULL,
	`locale` text NOT NULL,
	`question` text NOT NULL,
	`answer` text NOT NULL,
	`source_ticket_id` integer,
	`created_by` integer NOT NULL,
	`updated_by` integer NOT NULL,
	`draft_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `faq_entries_draft_key_unique` ON `faq_entries` (`draft_key`);--> statement-breakpoint
CREATE INDEX `faq_entries_topic_idx` ON `faq_entries` (`topic`,`locale`);