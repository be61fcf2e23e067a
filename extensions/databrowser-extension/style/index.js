import '@odatis-vre/databrowser/style/index.css';
