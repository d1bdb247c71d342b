import { expect, test, type Page } from '@playwright/test';
import { formatters } from '../../lib/i18n/core';
import { expectAccessible } from './support/a11y';
import { portalSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/** Settings saves and comes back to /portal/settings?saved=preferences, already in the new language. */
async function chooseLanguage(page: Page, opts: { label: string; option: string; button: string; saved: string }) {
  await page.goto(hostUrl('sunrise', '/portal/settings'));
  await page.getByLabel(opts.label, { exact: true }).selectOption({ label: opts.option });
  // Exact: the section below saves "message choices" with a longer name that starts the same way.
  await page.getByRole('button', { name: opts.button, exact: true }).click();
  await expect(page).toHaveURL(/\/portal\/settings\?saved=preferences/);
  await expect(page.getByText(opts.saved)).toBeVisible();
}

const TO_SPANISH = { label: 'Language', option: 'Español', button: 'Save preferences', saved: 'Sus preferencias se guardaron.' };
const TO_ENGLISH = { label: 'Idioma', option: 'English', button: 'Guardar preferencias', saved: 'Your preferences are saved.' };

test('Maria reads the portal in Spanish, with Spanish dates, and switches back', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  // Settings is one of the sections under "More" (the row holds five on a phone).
  await sections.getByText('More').click();
  await sections.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/settings'));

  let spanish = false;
  try {
    await chooseLanguage(page, TO_SPANISH);
    spanish = true;

    await page.goto(hostUrl('sunrise', '/portal'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hola, Maria');
    await expect(page).toHaveTitle(/Inicio/);
    // Screen readers switch voice on the portal's frame.
    await expect(page.locator('div[lang="es"]').first()).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Secciones del portal' });
    for (const name of ['Inicio', 'Citas', 'Documentos']) {
      await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await nav.getByText('Más').click();
    for (const name of ['Mis datos', 'Historial', 'Configuración']) {
      await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await expect(page.getByRole('heading', { name: 'Próximas visitas' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Documentos nuevos' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toBeVisible();

    // The visit's time is written the Spanish way, in the clinic's zone (Maria has not chosen one);
    // the service is named as the clinic translated it (CRM → Services).
    const visit = page.getByRole('article', { name: /Consulta familiar con Dr\. Daniel Kim/ });
    await expect(visit.getByText('Servicio')).toBeVisible();
    const time = visit.locator('time').first();
    const startsAt = new Date((await time.getAttribute('datetime'))!);
    await expect(time).toHaveText(formatters('es').dateTime(startsAt, 'America/Chicago'));
    await expect(time).toHaveText(/^(lun|mar|mié|jue|vie|sáb|dom)\.?, \d{1,2} de /);
    await expectAccessible(page);

    await nav.getByRole('link', { name: 'Documentos', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Documentos');
    await expect(page.getByRole('search', { name: 'Buscar documentos' })).toBeVisible();
    await expect(page.getByLabel('Buscar', { exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Descargar Blood test results' })).toBeVisible();
    // "3 nov 2026": day, Spanish month, year; never the English "Nov 3, 2026".
    const bloodTest = page.getByRole('listitem').filter({ hasText: 'Blood test results' });
    await expect(bloodTest.locator('dt:text-is("Examen:") + dd')).toHaveText(/^\d{1,2} [a-zé]+\.? \d{4}$/);
    // The document type as the clinic translated it (CRM → Document types).
    await expect(bloodTest).toContainText('Resultado de laboratorio');
    await expect(bloodTest).not.toContainText('Lab result');
    await expectAccessible(page);

    await nav.getByRole('link', { name: 'Historial', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Historial');
    await expect(page.getByText('Realizada').first()).toBeVisible();
    await expectAccessible(page);

    // Booking: the clinic's Spanish names, descriptions and a location's notes for patients; a name
    // the clinic did not translate (Riverside) as written.
    await page.goto(hostUrl('sunrise', '/portal/bookings/new'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reservar una cita');
    const where = page.getByRole('group', { name: '¿Dónde desea que le atiendan?' });
    await expect(where.getByLabel('Riverside', { exact: true })).toBeVisible();
    await expect(where.getByLabel('Downtown', { exact: true })).toHaveCount(0);
    await where.getByLabel('Centro de la ciudad', { exact: true }).check();
    await page.getByRole('button', { name: 'Continuar', exact: true }).click();
    const what = page.getByRole('group', { name: '¿Qué servicio necesita?' });
    await expect(what).toBeVisible();
    await expect(what.getByLabel('Consulta familiar', { exact: true })).toBeVisible();
    await expect(what.getByText(/Una visita con su médico de familia/)).toBeVisible();
    await expect(what.getByLabel('Vacunación', { exact: true })).toBeVisible();
    await expect(what.getByLabel('Family consultation', { exact: true })).toHaveCount(0);
    const choices = page.getByRole('region', { name: 'Su elección' });
    await expect(choices).toContainText('Centro de la ciudad');
    await expect(choices).toContainText('Estacionamiento gratuito detrás del edificio.');
    await expectAccessible(page);

    await chooseLanguage(page, TO_ENGLISH);
    spanish = false;
  } finally {
    // Other journeys expect Maria's portal in English, even when a step above failed.
    if (spanish) await chooseLanguage(page, TO_ENGLISH).catch(() => undefined);
  }

  await page.goto(hostUrl('sunrise', '/portal'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await expect(page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Home', exact: true })).toBeVisible();
});
