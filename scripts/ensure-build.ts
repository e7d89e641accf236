// Builds the app unless .next holds a build newer than every source file, so `npm start` and the
// end-to-end tests always run the code that is checked out without rebuilding needlessly.
import { ensureBuild } from "./build-state";

await ensureBuild();
