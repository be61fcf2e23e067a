/** The NEO kernel's spec, as the launcher and the notebook's kernel picker show it. */
import { msgid } from '@odatis-vre/harmonised';

/** A blue wave over the word NEO (no network fetch: an inline SVG). */
const LOGO =
  'data:image/svg+xml;base64,' +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="8" fill="#0b5394"/>' +
      '<path d="M6 46c8-8 14-8 22 0s14 8 22 0 10-6 10-6v14H6z" fill="#6fa8dc"/>' +
      '<text x="32" y="34" text-anchor="middle" font-family="sans-serif" font-weight="bold" font-size="20" fill="#fff">NEO</text></svg>'
  );

export const NEO_KERNEL_NAME = 'neo';

export const NEO_KERNEL_SPEC = {
  name: NEO_KERNEL_NAME,
  display_name: msgid('NEO (SQL + JavaScript)'),
  language: 'typescript',
  argv: [] as string[],
  resources: { 'logo-32x32': LOGO, 'logo-64x64': LOGO }
};
