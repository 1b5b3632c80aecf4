import { inject } from 'vitest';
import { motoEnvironment } from './moto-server.js';
import './moto-global-setup.js';

// Runs in every integration test worker: points the AWS SDK at the run's moto server.
Object.assign(process.env, motoEnvironment(inject('motoEndpoint')));
delete process.env.AWS_PROFILE;
