/**
 * What the Effect 3 edition adds to a consumer's node_modules, per supported install
 * (test/package/installs.ts), measured from the registry by `core/testing/installSize.ts`:
 *
 *   npm run install-size                 # the working tree
 *   npm run install-size -- --ref <rev>  # the package as it was at a commit (packed from `git archive`)
 */
import { printInstallSizes } from "../../core/testing/installSize.js"
import { edition, installs } from "../test/package/installs.js"

printInstallSizes(edition, installs, process.argv.slice(2))
