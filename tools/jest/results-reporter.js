// Writes each Jest run's counts to reports/jest/<project>.json so that the test command
// can print one `N passed, N failed, N skipped` line from the real results.
const fs = require('fs');
const path = require('path');

class ResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(contexts, results) {
    const dir = path.join(__dirname, '..', '..', 'reports', 'jest');
    fs.mkdirSync(dir, { recursive: true });
    const [context] = [...contexts];
    const name = (context && context.config.displayName && context.config.displayName.name) || 'root';
    const failedSuites = results.testResults.filter((r) => r.testExecError).map((r) => r.testFilePath);
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        project: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        failedSuites,
      }),
    );
  }
}

module.exports = ResultsReporter;
