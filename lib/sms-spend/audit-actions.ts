import 'server-only';

/** Audit action names of the SMS spend guard; details carry counts and masked numbers only. */
export const SmsSpendAuditActions = {
  settingsChanged: 'settings.sms_spend_changed',
  ceilingReached: 'sms.ceiling_reached',
  budgetWarning: 'sms.budget_warning',
  budgetExhausted: 'sms.budget_exhausted',
  heldReleased: 'sms.held_released',
} as const;
