// jsdom's window lacks the WHATWG encoders that apache-arrow uses: take node's.
const { TextDecoder, TextEncoder } = require('util');
Object.assign(globalThis, { TextDecoder, TextEncoder });
// jsdom has no DragEvent, which @lumino/dragdrop subclasses when imported.
if (typeof globalThis.DragEvent === 'undefined') {
  globalThis.DragEvent = class DragEvent extends MouseEvent {};
}
// jsdom does not implement canvas; the datagrid's text renderer probes it once on import.
HTMLCanvasElement.prototype.getContext = () => null;
// jsdom's base64 is written in JavaScript and takes seconds per megabyte: take node's.
const { atob, btoa } = require('buffer');
Object.assign(globalThis, { atob, btoa });
