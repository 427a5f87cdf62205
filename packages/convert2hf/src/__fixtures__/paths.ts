// Where the unit-test fixtures live (files written by real PyTorch / CPython, see make-fixtures.py).
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('.', import.meta.url));
