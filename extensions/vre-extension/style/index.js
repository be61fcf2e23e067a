import '@odatis-vre/vre/style/index.css';
