import { render } from 'preact';
// The global sheet first, so that component sheets override it.
import './styles.css';
import { App } from './app.tsx';
import { initI18n } from './i18n/i18n.ts';

await initI18n();
render(<App />, document.getElementById('app')!);
