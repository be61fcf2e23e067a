import { Clipboard, ToolbarButton } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import { englishMessages, type Messages } from '@odatis-vre/harmonised';

/** The largest share of its parent's height a message takes before it scrolls. */
const MAX_SHARE = 0.5;

/**
 * A strip above the results for a query's error or an engine's notice: the whole message, wrapped, and a
 * button that copies it. Its height follows the message up to half of the results area; a longer message
 * (DuckDB's multi-line errors, the server engine's refusals) scrolls beside the button, which stays in view.
 */
export class MessageStrip extends Panel {
  /** `trans`: the extension's `translator.load('odatis_vre')`; default English. */
  constructor(trans: Messages = englishMessages) {
    super();
    this.addClass('odatis-SqlWorkspace-error');
    this.text = new Widget({ node: document.createElement('pre') });
    this.text.addClass('odatis-SqlWorkspace-errorText');
    this.addWidget(this.text);
    this.addWidget(
      new ToolbarButton({
        icon: copyIcon,
        className: 'odatis-SqlWorkspace-errorCopy',
        tooltip: trans.__('Copy the whole message'),
        onClick: () => Clipboard.copyToSystem(this.message)
      })
    );
    this.hide();
  }

  /** The message shown (empty when the strip is hidden). */
  get message(): string {
    return this.isHidden ? '' : (this.text.node.textContent ?? '');
  }

  /** Shows the message in full, replacing the previous one. */
  showMessage(message: string): void {
    this.text.node.textContent = message;
    this.text.node.scrollTop = 0;
    if (this.isHidden) this.show();
    else this.fitToMessage();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.fitToMessage();
    // The copy button (a React widget) is drawn on the next frame: its height counts for a one-line message.
    requestAnimationFrame(() => this.fitToMessage());
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this.fitToMessage();
  }

  /**
   * The parent's box layout gives the strip its CSS min-height: ask for the message's own height (a longer
   * line wraps at the current width), at most half of the parent's.
   */
  private fitToMessage(): void {
    if (!this.isVisible || !this.parent) return;
    const style = getComputedStyle(this.node);
    const frame =
      parseFloat(style.paddingTop) +
      parseFloat(style.paddingBottom) +
      parseFloat(style.borderTopWidth) +
      parseFloat(style.borderBottomWidth);
    // The message's own height (its box stretches to the strip's: measured collapsed), or the copy button's
    // beside a one-line message.
    const text = this.text.node;
    text.style.maxHeight = '0';
    const content = text.scrollHeight;
    text.style.maxHeight = '';
    const button = this.widgets[1].node.offsetHeight;
    const wanted = Math.ceil(Math.max(content, button) + frame);
    const height = Math.min(wanted, Math.floor(this.parent.node.clientHeight * MAX_SHARE));
    if (this.node.style.minHeight !== `${height}px`) {
      this.node.style.minHeight = `${height}px`;
      this.parent.fit();
    }
  }

  private readonly text: Widget;
}
