import { RestClient, type RestClientOptions } from './rest-client.js';

export type TandemClientOptions = RestClientOptions;

/** The typed client agents and the frontend use: REST (DESIGN 9) and, next, the socket protocol (DESIGN 5). */
export class TandemClient extends RestClient {}
