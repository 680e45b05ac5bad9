/**
 * The simulated world's records (users, chats, memberships, forum topics,
 * stored messages) and builders for the Bot API objects describing them.
 */
import type { Chat, ChatMember, Message, User } from "grammy/types";

export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

export interface AddUserOptions {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
  /** false: the user never pressed Start, so the bot can't write first (403). Default true. */
  startedBot?: boolean;
  /** true: the user has blocked the bot (403 on sends). Default false. */
  blocked?: boolean;
}

export interface GroupMemberInput {
  user: User | number;
  status: MemberStatus;
}

export interface AddGroupOptions {
  /** Negative id, e.g. -1001234567890 for supergroups, -123456789 for basic groups. */
  id: number;
  title: string;
  type?: "supergroup" | "group";
  username?: string;
  isForum?: boolean;
  members?: GroupMemberInput[];
  /** The bot's own membership. Default "member". */
  botStatus?: MemberStatus;
  /** Admin right can_manage_topics. Default: true when the bot is an administrator. */
  botCanManageTopics?: boolean;
  /** Admin right can_delete_messages. Default: true when the bot is an administrator. */
  botCanDeleteMessages?: boolean;
}

export interface UserRecord {
  user: User;
  startedBot: boolean;
  blocked: boolean;
}

export interface TopicRecord {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
}

export interface StoredMessage {
  message: Message;
  fromBot: boolean;
  deleted: boolean;
}

export interface ChatRecord {
  chat: Chat;
  /** Next message id in this chat (Telegram counts per chat). */
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  /** Group members by user id (unused for private chats). */
  members: Map<number, MemberStatus>;
  botStatus: MemberStatus;
  botCanManageTopics: boolean;
  botCanDeleteMessages: boolean;
  topics: Map<number, TopicRecord>;
  /** Set once a basic group was upgraded to a supergroup. */
  migratedTo?: number;
}

export const isForum = (record: ChatRecord): boolean =>
  record.chat.type === "supergroup" && record.chat.is_forum === true;

export function isBotAdmin(record: ChatRecord): boolean {
  return record.botStatus === "administrator" || record.botStatus === "creator";
}

export function isPresent(status: MemberStatus): boolean {
  return status !== "left" && status !== "kicked";
}

export function privateChatOf(user: User): Chat {
  return {
    id: user.id,
    type: "private",
    first_name: user.first_name,
    ...(user.last_name !== undefined ? { last_name: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
  } as Chat;
}

export function groupChatOf(options: AddGroupOptions): Chat {
  if ((options.type ?? "supergroup") === "group") return { id: options.id, type: "group", title: options.title };
  return {
    id: options.id,
    type: "supergroup",
    title: options.title,
    ...(options.username ? { username: options.username } : {}),
    ...(options.isForum ? { is_forum: true } : {}),
  } as Chat;
}

export function newChatRecord(chat: Chat, botStatus: MemberStatus = "member"): ChatRecord {
  return {
    chat,
    nextMessageId: 1,
    messages: new Map(),
    members: new Map(),
    botStatus,
    botCanManageTopics: false,
    botCanDeleteMessages: false,
    topics: new Map(),
  };
}

export interface AdminRights {
  canManageTopics?: boolean;
  canDeleteMessages?: boolean;
}

/** The ChatMember object Telegram returns for a status. */
export function chatMemberOf(user: User, status: MemberStatus, rights: AdminRights = {}): ChatMember {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true,
        can_delete_messages: rights.canDeleteMessages ?? true, can_manage_video_chats: true,
        can_restrict_members: true, can_promote_members: false, can_change_info: true, can_invite_users: true,
        can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_pin_messages: true,
        can_manage_topics: rights.canManageTopics ?? false, can_send_welcome_messages: false,
      } as ChatMember;
    case "restricted":
      return {
        status, user, is_member: true, can_send_messages: false, can_send_audios: false, can_send_documents: false,
        can_send_photos: false, can_send_videos: false, can_send_video_notes: false, can_send_voice_notes: false,
        can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false,
        can_react_to_messages: false, can_change_info: false, can_invite_users: false, can_edit_tag: false,
        can_pin_messages: false, can_manage_topics: false, until_date: 0,
      } as ChatMember;
    case "kicked":
      return { status, user, until_date: 0 };
    case "member":
    case "left":
      return { status, user } as ChatMember;
  }
}

/** A Message copy without its own reply_to_message (Telegram nests only one level). */
export function asReplyTarget(message: Message): Message {
  const copy = structuredClone(message);
  delete copy.reply_to_message;
  return copy;
}
