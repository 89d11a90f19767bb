import { createServer, type AddressInfo, type Server } from 'node:net';
import { DEFAULT_SILO_PORTS, generateWorld, SILO_NAMES, startSilos, type SiloName } from '../../silos';
import { getJson } from './http';

const FREE: Record<SiloName, number> = { accounting: 0, sales: 0, credit: 0, support: 0, marketing: 0 };

function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('startSilos', () => {
  it('generates the world from seed and scale and serves it from all four silos', async () => {
    const silos = await startSilos({ seed: 4, scale: 40, ports: FREE });
    try {
      expect(JSON.stringify(silos.world)).toBe(JSON.stringify(generateWorld({ seed: 4, scale: 40 })));
      expect(Object.keys(silos.urls)).toEqual([...SILO_NAMES]);
      for (const name of SILO_NAMES) {
        expect(silos.urls[name]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await getJson(`${silos.urls[name]}/health`)).body).toEqual({ status: 'ok', system: name });
      }
    } finally {
      await silos.close();
    }
  });

  it('starts only the silos asked for', async () => {
    const silos = await startSilos({ scale: 10, only: ['credit'], ports: FREE });
    try {
      expect(Object.keys(silos.urls)).toEqual(['credit']);
    } finally {
      await silos.close();
    }
  });

  it('starts marketing only when only names it, on a world generated with marketing', async () => {
    const silos = await startSilos({ seed: 4, scale: 40, only: [...SILO_NAMES, 'marketing'], ports: FREE });
    try {
      const expected = generateWorld({ seed: 4, scale: 40, with: ['marketing'] });
      expect(JSON.stringify(silos.world)).toBe(JSON.stringify(expected));
      expect(Object.keys(silos.urls)).toEqual([...SILO_NAMES, 'marketing']);
      expect((await getJson(`${silos.urls.marketing}/health`)).body).toEqual({ status: 'ok', system: 'marketing' });
    } finally {
      await silos.close();
    }
  });

  it('refuses to start marketing on a given world without marketing records, saying how to make one', async () => {
    await expect(
      startSilos({ world: generateWorld({ seed: 4, scale: 10 }), only: ['marketing'], ports: FREE }),
    ).rejects.toThrow(
      'startSilos expected the world it was given to hold marketing records to start the marketing silo, ' +
        "but it has none: generate it with generateWorld({ seed, scale, with: ['marketing'] }).",
    );
  });

  it('listens on the default ports 4101..4104 (marketing, when started, on 4105) unless told otherwise', () => {
    expect(DEFAULT_SILO_PORTS).toEqual({ accounting: 4101, sales: 4102, credit: 4103, support: 4104, marketing: 4105 });
  });

  it('names the silo and address when a port is taken, and leaves nothing listening', async () => {
    const blocker = await listenOn(0);
    const port = (blocker.address() as AddressInfo).port;
    const probe = await listenOn(0);
    const accountingPort = (probe.address() as AddressInfo).port;
    await close(probe);
    try {
      await expect(
        startSilos({ scale: 10, ports: { ...FREE, accounting: accountingPort, sales: port } }),
      ).rejects.toThrow(`Could not start the sales silo on 127.0.0.1:${port}`);
      // The accounting silo did start, so its port is free again only if it was closed.
      await close(await listenOn(accountingPort));
    } finally {
      await close(blocker);
    }
  });

  it('rejects a port out of range and an unknown silo name with a sentence', async () => {
    await expect(startSilos({ scale: 10, ports: { ...FREE, support: 70000 } })).rejects.toThrow(
      'startSilos expected ports.support to be an integer from 0 to 65535, but got 70000.',
    );
    await expect(startSilos({ scale: 10, only: ['billing' as SiloName] })).rejects.toThrow(
      'startSilos expected only to list silo names (accounting, sales, credit, support, marketing), but got "billing".',
    );
  });
});
