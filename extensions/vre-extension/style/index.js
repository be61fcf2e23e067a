import '@odatis-vre/vre/style/index.css';
import '@odatis-vre/templates/style/index.css';
