/** @odatis-vre/cli — the `odatis-vre` command (see main.ts). */
export { main, expandInputs, USAGE } from './main';
