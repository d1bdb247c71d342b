import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { InviteStaffForm } from '@/components/crm/staff-user-forms';
import { inviteStaffSchema } from '@/lib/staff/schemas';

const levels = [
  { id: '00000000-0000-4000-8000-000000000001', name: 'Admin', grants: ['Invite users and manage access levels'] },
  { id: '00000000-0000-4000-8000-000000000002', name: 'Support', grants: ['Open the EMR portal'] },
];

describe('inviting a user', () => {
  it('preselects no access level and lists what each level allows', () => {
    const html = renderToStaticMarkup(createElement(InviteStaffForm, { action: vi.fn(), levels }));
    expect(html).toMatch(/<option value="" disabled="" selected="">Choose a level<\/option>/);
    expect(html).not.toMatch(/<option value="0[^"]*" selected/);
    expect(html).toContain('What each level allows');
    expect(html).toContain('Invite users and manage access levels');
  });

  it('refuses an invitation without a level or without the confirmation', () => {
    const base = { fullName: 'Nora Nurse', email: 'nora@example.test', accessLevelId: levels[1]!.id, confirmLevel: 'on' };
    expect(inviteStaffSchema.safeParse(base).success).toBe(true);
    const noLevel = inviteStaffSchema.safeParse({ ...base, accessLevelId: '' });
    expect(noLevel.error?.issues[0]?.message).toBe('Choose an access level.');
    const unconfirmed = inviteStaffSchema.safeParse({ ...base, confirmLevel: undefined });
    expect(unconfirmed.error?.issues[0]?.message).toBe('Confirm that you have checked what this access level allows.');
  });
});
