import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { startQueryEngine } from './queryEngine';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'odatis-query-jlcheck:plugin',
  autoStart: true,
  activate: (_app: JupyterFrontEnd) => {
    const engine = startQueryEngine();
    engine
      .query('SELECT 42 AS answer')
      .then(r => console.log('odatis query answer', r.table.getChild('answer')?.get(0)));
  }
};
export default plugin;
