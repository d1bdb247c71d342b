import 'server-only';
import type { ChoiceOption, FormDefinition } from './definition';

// The forms every clinic starts with (issue 15): a general intake, a privacy-practices
// acknowledgement, the PHQ-9 and one home activity. A clinic edits them like its own forms;
// `key` installs each once.

export interface StarterTemplate {
  key: string;
  definition: FormDefinition;
}

const YES_NO: ChoiceOption[] = [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
];

const GENERAL_INTAKE: FormDefinition = {
  title: 'General intake',
  kind: 'intake',
  description: 'Tell us about yourself before your first visit. It takes about ten minutes.',
  fields: [
    {
      linkId: 'demographics',
      type: 'section',
      label: 'About you',
      required: false,
      fields: [
        { linkId: 'date_of_birth', type: 'date', label: 'Date of birth', required: true, recordField: 'date_of_birth' },
        { linkId: 'phone', type: 'phone', label: 'Mobile phone', required: true, recordField: 'phone' },
        { linkId: 'email', type: 'email', label: 'Email', required: false, recordField: 'email' },
        { linkId: 'address_line1', type: 'short_text', label: 'Street address', required: false, recordField: 'address_line1' },
        { linkId: 'city', type: 'short_text', label: 'City', required: false, recordField: 'city' },
        { linkId: 'postal_code', type: 'short_text', label: 'Postal code', required: false, recordField: 'postal_code' },
      ],
    },
    {
      linkId: 'history',
      type: 'section',
      label: 'Medical history',
      required: false,
      fields: [
        {
          linkId: 'conditions',
          type: 'multiple_choice',
          label: 'Have you been told you have any of these?',
          help: 'Choose all that apply.',
          required: false,
          options: [
            { code: 'asthma', label: 'Asthma' },
            { code: 'diabetes', label: 'Diabetes' },
            { code: 'heart', label: 'Heart disease' },
            { code: 'hypertension', label: 'High blood pressure' },
            { code: 'none', label: 'None of these' },
          ],
        },
        { linkId: 'surgeries', type: 'long_text', label: 'Past surgeries or hospital stays', required: false },
        { linkId: 'takes_medication', type: 'yes_no', label: 'Do you take any medication?', required: true },
        {
          linkId: 'medications',
          type: 'long_text',
          label: 'Which medications, and how much?',
          help: 'Include vitamins and supplements.',
          required: true,
          showWhen: { question: 'takes_medication', operator: 'equals', values: ['true'] },
        },
        { linkId: 'has_allergies', type: 'single_choice', label: 'Do you have any allergies?', required: true, options: YES_NO },
        {
          linkId: 'allergies',
          type: 'long_text',
          label: 'What are you allergic to, and what happens?',
          required: true,
          showWhen: { question: 'has_allergies', operator: 'equals', values: ['yes'] },
        },
      ],
    },
    {
      linkId: 'emergency',
      type: 'section',
      label: 'Emergency contact',
      required: false,
      fields: [
        { linkId: 'emergency_name', type: 'short_text', label: 'Full name', required: true },
        { linkId: 'emergency_relationship', type: 'short_text', label: 'Relationship to you', required: false },
        { linkId: 'emergency_phone', type: 'phone', label: 'Phone', required: true },
      ],
    },
    {
      linkId: 'consent',
      type: 'section',
      label: 'Consent',
      required: false,
      fields: [
        {
          linkId: 'consent_text',
          type: 'display',
          label:
            'I consent to examination and treatment by the clinic’s providers. The information I gave is true to the best of my knowledge, and I will tell the clinic if it changes.',
          required: false,
        },
        { linkId: 'consent_signature', type: 'signature', label: 'I agree to the statement above.', required: true },
      ],
    },
  ],
};

const PRIVACY_ACKNOWLEDGEMENT: FormDefinition = {
  title: 'Privacy practices acknowledgement',
  kind: 'consent',
  fields: [
    { linkId: 'notice_heading', type: 'display', heading: true, label: 'Notice of privacy practices', required: false },
    {
      linkId: 'notice_text',
      type: 'display',
      label:
        'The notice explains how the clinic may use and share your health information and how you can see it, get a copy and ask for corrections. You can ask the front desk for a printed copy at any time.',
      required: false,
    },
    { linkId: 'received_copy', type: 'yes_no', label: 'I was offered a copy of the notice.', required: true },
    { linkId: 'privacy_signature', type: 'signature', label: 'I acknowledge that I have read the notice of privacy practices.', required: true },
  ],
};

// PHQ-9 (Kroenke, Spitzer & Williams, 2001; free to use). Each item scores 0–3.
const PHQ_OPTIONS: ChoiceOption[] = [
  { code: '0', label: 'Not at all', score: 0 },
  { code: '1', label: 'Several days', score: 1 },
  { code: '2', label: 'More than half the days', score: 2 },
  { code: '3', label: 'Nearly every day', score: 3 },
];
const PHQ_ITEMS = [
  'Little interest or pleasure in doing things',
  'Feeling down, depressed, or hopeless',
  'Trouble falling or staying asleep, or sleeping too much',
  'Feeling tired or having little energy',
  'Poor appetite or overeating',
  'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
  'Trouble concentrating on things, such as reading the newspaper or watching television',
  'Moving or speaking so slowly that other people could have noticed; or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
  'Thoughts that you would be better off dead or of hurting yourself in some way',
];

const PHQ9: FormDefinition = {
  title: 'PHQ-9 depression questionnaire',
  kind: 'questionnaire',
  description: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  fields: [
    ...PHQ_ITEMS.map((label, index) => ({
      linkId: `phq9_${index + 1}`,
      type: 'single_choice' as const,
      label,
      required: true,
      options: PHQ_OPTIONS,
    })),
    {
      linkId: 'phq9_difficulty',
      type: 'single_choice',
      label: 'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
      required: false,
      options: [
        { code: 'not', label: 'Not difficult at all' },
        { code: 'somewhat', label: 'Somewhat difficult' },
        { code: 'very', label: 'Very difficult' },
        { code: 'extremely', label: 'Extremely difficult' },
      ],
    },
    { linkId: 'phq9_signature', type: 'signature', label: 'These answers are mine and describe the last 2 weeks.', required: true },
  ],
  scoring: {
    bands: [
      { min: 0, max: 4, label: 'Minimal depression' },
      { min: 5, max: 9, label: 'Mild depression' },
      { min: 10, max: 14, label: 'Moderate depression' },
      { min: 15, max: 19, label: 'Moderately severe depression' },
      { min: 20, max: 27, label: 'Severe depression' },
    ],
  },
};

const NECK_STRETCHES: FormDefinition = {
  title: 'Neck and shoulder stretches',
  kind: 'home_activity',
  description: 'Gentle stretches to ease stiffness. Stop if anything hurts and tell the clinic.',
  frequency: 'Twice a day for 2 weeks',
  days: 14,
  fields: [
    { linkId: 'chin_tucks_heading', type: 'display', heading: true, label: 'Chin tucks', required: false },
    {
      linkId: 'chin_tucks',
      type: 'display',
      label: 'Sit tall. Draw your chin straight back, as if making a double chin, and hold for 5 seconds. Repeat 10 times.',
      required: false,
    },
    { linkId: 'shoulder_rolls_heading', type: 'display', heading: true, label: 'Shoulder rolls', required: false },
    {
      linkId: 'shoulder_rolls',
      type: 'display',
      label: 'Lift your shoulders towards your ears, roll them back and down. Ten slow rolls, then ten the other way.',
      required: false,
    },
    { linkId: 'video', type: 'display', label: 'Video: https://www.youtube.com/watch?v=wQylqaCl8Zo', required: false },
  ],
};

export const STARTER_TEMPLATES: readonly StarterTemplate[] = [
  { key: 'general-intake', definition: GENERAL_INTAKE },
  { key: 'privacy-acknowledgement', definition: PRIVACY_ACKNOWLEDGEMENT },
  { key: 'phq-9', definition: PHQ9 },
  { key: 'neck-stretches', definition: NECK_STRETCHES },
];
