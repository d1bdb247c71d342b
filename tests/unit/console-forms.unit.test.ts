import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { CreateClinicForm } from '@/components/console/console-forms';

describe('the console’s new-clinic form', () => {
  it('shows where the clinic will live, with no placeholder left in braces', () => {
    const html = renderToStaticMarkup(createElement(CreateClinicForm, { action: vi.fn(), rootDomain: 'carebridge.example' }));
    expect(html).toContain('The clinic will live at your-clinic.carebridge.example, for example sunrise.carebridge.example.');
    expect(html).not.toMatch(/\{[a-z]+\}/);
  });
});
