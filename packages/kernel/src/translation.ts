/**
 * Texts the worker makes when asked (errors, help), in the page's language. The worker has no translator:
 * the page has (`NeoHost.messages`). Which msgids a text needs depends on the error or the topic, so the
 * text is made in English first, noting the msgids it asks for, then with their translations.
 */
import { catalogueMessages, englishMessages, type Messages } from '@odatis-vre/harmonised';
import type { NeoHost } from './protocol';

/**
 * What `render` gives with the page's messages; in English when the page does not answer. A translated text
 * may ask for msgids its English did not (a detail the English sentence already says, the French one not):
 * those are asked for in turn, a few times at most.
 */
export async function inPageLanguage<T>(
  host: Pick<NeoHost, 'messages'>,
  render: (trans: Messages) => T
): Promise<T> {
  const catalogue: Record<string, string> = {};
  let trans = englishMessages;
  let english: T | undefined;
  for (let round = 0; round < 3; round++) {
    const asked = new Set<string>();
    const text = render({
      __: (msgid, ...args) => {
        asked.add(msgid);
        return trans.__(msgid, ...args);
      }
    });
    english ??= text;
    const unknown = [...asked].filter(msgid => !Object.hasOwn(catalogue, msgid));
    if (unknown.length === 0) return text;
    try {
      Object.assign(catalogue, await host.messages(unknown));
    } catch {
      return english;
    }
    trans = catalogueMessages(catalogue);
  }
  return render(trans);
}
