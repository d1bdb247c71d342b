export * from './types';
export * from './policy';
export { MessagingAuditActions } from './audit-actions';
export * from './portal';
export * from './staff';
export * from './delete';
export * from './auto-close';
export * from './assignments';
export * from './attachments';
