import type { ConversationStatus, MessageSenderKind, MessagingPolicy } from '@/db/schema';

export type { ConversationStatus, MessageSenderKind, MessagingPolicy };

/** invalid: the text holds control characters (a NUL Postgres cannot store, or invisible ones). */
export type MessagingRefusal = 'policy' | 'closed' | 'too-late' | 'not-author' | 'empty' | 'too-long' | 'invalid' | 'file';

/** Domain refusals are results; `message` is English text for staff pages (the portal translates `error`/`reason`). */
export type Refusal = {
  ok: false;
  error: MessagingRefusal;
  message: string;
  /** policy: why a patient may not start/reply; file: which check failed. */
  reason?: string;
  field?: 'subject' | 'body' | 'files';
};

export type Result<T extends object = object> = ({ ok: true } & T) | Refusal;

/** A file from a form: the browser's File (or a Blob with a name) works as is. */
export interface MessageFileInput {
  name: string;
  type: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ComposeInput {
  subject: string;
  body: string;
  files?: readonly MessageFileInput[];
}

export interface ReplyInput {
  body: string;
  files?: readonly MessageFileInput[];
}

export interface StartStaffInput extends ComposeInput {
  patientId: string;
  /** Only the patient's own account sees it, never an account acting for them (issue 19). */
  hiddenFromProxies?: boolean;
}

export interface ThreadAttachment {
  id: string;
  name: string;
  contentType: string;
  sizeBytes: number;
}

export interface ThreadMessage {
  id: string;
  senderKind: MessageSenderKind;
  senderName: string;
  /** "parent" etc.: the portal account wrote for the patient, not as the patient. */
  onBehalfOf?: string;
  /** null when deleted */
  body: string | null;
  deleted: boolean;
  createdAt: string;
  attachments: ThreadAttachment[];
  mine: boolean;
  /** author and within DELETE_WINDOW_MINUTES */
  deletable: boolean;
}

export interface ThreadView {
  conversation: {
    id: string;
    subject: string;
    status: ConversationStatus;
    patient: { id: string; name: string };
    assignedTo: { id: string; name: string } | null;
    closedReason: 'staff' | 'auto' | null;
    hiddenFromProxies: boolean;
  };
  messages: ThreadMessage[];
  mayReply: boolean;
  /** 'closed' | 'reply_only' | 'never_initiate' | 'assigned_only' | 'permission' */
  replyBlockedReason?: string;
}

export interface ThreadPoll {
  messages: ThreadMessage[];
  status: ConversationStatus;
}

export interface PortalConversationSummary {
  id: string;
  subject: string;
  status: ConversationStatus;
  lastMessageAt: string;
  unreadCount: number;
}

export type StaffConversationFilter = 'open' | 'closed' | 'mine' | 'unassigned' | 'all';

export interface StaffConversationSummary {
  id: string;
  subject: string;
  status: ConversationStatus;
  patient: { id: string; name: string };
  assignedTo: { id: string; name: string } | null;
  lastMessageAt: string;
  /** true when the last message came from the patient side */
  awaitingStaff: boolean;
  unreadCount: number;
  closedReason: 'staff' | 'auto' | null;
}

export interface StaffConversationPage {
  items: StaffConversationSummary[];
  page: number;
  pageSize: number;
  total: number;
}

export interface AssignableStaff {
  id: string;
  name: string;
}

export interface PatientAssignment {
  staffId: string;
  name: string;
  assignedAt: string;
}

export const MAX_FILES_PER_MESSAGE = 5;
export const MAX_BODY_CHARS = 5000;
export const MAX_SUBJECT_CHARS = 200;

/**
 * Whether a form entry is a file someone chose. An untouched file input still submits one empty
 * entry, named '' by browsers and 'undefined' once a server action's form decoding rebuilt it;
 * an empty file the person did choose keeps its name and is refused as empty.
 */
export function isSubmittedFile(file: { size: number; name?: string | null }): boolean {
  return file.size > 0 || (Boolean(file.name) && file.name !== 'undefined');
}
