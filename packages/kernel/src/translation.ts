/**
 * Texts the worker makes when asked (errors, help), in the page's language. The worker has no translator:
 * the page has (`NeoHost.messages`). Which msgids a text needs depends on the error or the topic, so the
 * text is made twice: once in English, noting the msgids it asks for, then with their translations.
 */
import { catalogueMessages, englishMessages, type Messages } from '@odatis-vre/harmonised';
import type { NeoHost } from './protocol';

/** What `render` gives with the page's messages; in English when the page does not answer. */
export async function inPageLanguage<T>(
  host: Pick<NeoHost, 'messages'>,
  render: (trans: Messages) => T
): Promise<T> {
  const asked = new Set<string>();
  const english = render({
    __: (msgid, ...args) => {
      asked.add(msgid);
      return englishMessages.__(msgid, ...args);
    }
  });
  let catalogue: Record<string, string>;
  try {
    catalogue = await host.messages([...asked]);
  } catch {
    return english;
  }
  return render(catalogueMessages(catalogue));
}
