import '@odatis-vre/sql/style/index.css';
