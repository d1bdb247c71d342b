import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** WCAG 2.2 AA through axe: no serious or critical violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  // Next streams metadata: wait until the page has settled and has its title.
  await page.waitForLoadState('networkidle');
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    // An email preview drawn in a frame with sandbox="" (no scripts: templates, campaigns, the dev
    // outbox) cannot take axe's script, and axe would wait for it forever. The email is checked
    // where it is rendered (tests/unit/engagement-email-*); each such frame has a title in its component.
    .exclude('iframe[sandbox=""]')
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
}
