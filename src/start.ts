/** Entry point of `npm start`. */
import { settingsFromEnv } from './config';
import { startServer } from './server';

startServer(settingsFromEnv()).catch((error: unknown) => {
  process.stderr.write(
    `gengaku could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
