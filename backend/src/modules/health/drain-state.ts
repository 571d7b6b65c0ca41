import { Injectable } from '@nestjs/common';

/** Set when the node starts shutting down: readiness turns 503 so load balancers stop sending it work. */
@Injectable()
export class DrainState {
  draining = false;
}
