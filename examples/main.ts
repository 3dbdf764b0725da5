/** `npm run synth` (cdk8s synth, see cdk8s.yaml): writes every example to dist/<chart>.k8s.yaml. */
import { App } from 'cdk8s';
import { allExamples } from '.';

const app = new App();
allExamples(app);
app.synth();
