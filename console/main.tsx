// The analysts' console: served by the hub at /console, bundled by `npm run build` (esbuild).
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './console.css';

createRoot(document.getElementById('console')!).render(<App />);
