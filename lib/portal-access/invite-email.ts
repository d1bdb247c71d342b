import 'server-only';
/**
 * The invitation email. It names the clinic and nothing about the patient: an email can be
 * read by others, and an invitation to a clinic is already more than some patients would share.
 */
export function portalInviteEmail(input: { clinicName: string; link: string; message?: string | null; formsWaiting?: number }): { subject: string; text: string } {
  const lines = [
    'Hello,',
    '',
    `You have been invited to the ${input.clinicName} patient portal.`,
    '',
    'Open this link to set up your access. It works once and expires in 24 hours:',
    input.link,
  ];
  // Which forms is left to the portal: a form's title can be health information.
  if (input.formsWaiting) lines.push('', `${input.clinicName} has also asked you to fill in ${input.formsWaiting === 1 ? 'a form' : 'some forms'}: you will find ${input.formsWaiting === 1 ? 'it' : 'them'} in the portal after you sign in.`);
  if (input.message) lines.push('', `A message from ${input.clinicName}:`, input.message);
  lines.push(
    '',
    'If the link has expired, use "Forgot password" on the portal’s sign-in page if you already have an account, or ask the clinic for a new invitation.',
    'If you did not expect this email, you can ignore it.',
  );
  return { subject: `Your invitation to the ${input.clinicName} patient portal`, text: lines.join('\n') };
}

export function passwordResetEmail(input: { clinicName: string; link: string }): { subject: string; text: string } {
  return {
    subject: `Reset your ${input.clinicName} patient portal password`,
    text: [
      'Hello,',
      '',
      `Someone asked to reset the password of your ${input.clinicName} patient portal account.`,
      '',
      'Open this link to choose a new password. It works once and expires in 1 hour, and we will also text a code to your phone:',
      input.link,
      '',
      'If you did not ask for this, you can ignore this email: your password stays the same.',
    ].join('\n'),
  };
}

/** "https://portal.clinic.test" from what the caller passed; throws on anything but an http(s) origin. */
export function normalizePortalOrigin(portalOrigin: string): string {
  const url = new URL(portalOrigin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('portal origin must be http(s)');
  return url.origin;
}
