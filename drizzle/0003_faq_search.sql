-- Full-text search over FAQ entries (custom migration: drizzle-kit cannot express FTS5).
-- External content: the text lives once, in faq_entries; faq_search holds only the index.
-- unicode61 with remove_diacritics 2 folds case and accents (Ärztin = arztin), prefix indexes
-- make the prefix queries of src/db/repositories/faq.ts fast. Triggers keep the index in sync.
CREATE VIRTUAL TABLE `faq_search` USING fts5(
	question,
	answer,
	content='faq_entries',
	content_rowid='id',
	tokenize='unicode61 remove_diacritics 2',
	prefix='3 5 6'
);
--> statement-breakpoint
CREATE TRIGGER `faq_entries_search_insert` AFTER INSERT ON `faq_entries` BEGIN
	INSERT INTO `faq_search`(rowid, question, answer) VALUES (new.id, new.question, new.answer);
END;
--> statement-breakpoint
CREATE TRIGGER `faq_entries_search_delete` AFTER DELETE ON `faq_entries` BEGIN
	INSERT INTO `faq_search`(`faq_search`, rowid, question, answer) VALUES ('delete', old.id, old.question, old.answer);
END;
--> statement-breakpoint
CREATE TRIGGER `faq_entries_search_update` AFTER UPDATE OF question, answer ON `faq_entries` BEGIN
	INSERT INTO `faq_search`(`faq_search`, rowid, question, answer) VALUES ('delete', old.id, old.question, old.answer);
	INSERT INTO `faq_search`(rowid, question, answer) VALUES (new.id, new.question, new.answer);
END;
--> statement-breakpoint
INSERT INTO `faq_search`(`faq_search`) VALUES ('rebuild');
