/** zod with `.openapi()` metadata: schema files import `z` from here so the extension runs first. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
