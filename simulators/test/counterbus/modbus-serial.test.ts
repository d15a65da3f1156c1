// An independent Modbus master (the npm package modbus-serial) drives the counter bus simulator over a real PTY
// (socat, opened through the serialport binding) and over TCP (RTU framing on a raw socket, as a serial device
// server carries it): it reads events, acknowledges them, writes displays and gets the exceptions a terminal owes.
// Over TCP the client is modbus-serial's `connectTelnet` (raw RTU over TCP); its `connectTcpRTUBuffered` speaks
// Modbus TCP (MBAP header, no CRC), which is not what an RS-485 line behind a serial device server carries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ModbusSerial from 'modbus-serial';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CounterReg, decodeCounterDisplayText, decodeCounterEvents, decodeCounterIdentity, encodeCounterDisplayText,
} from '@onedoor/protocol';
import { CounterBusSim } from '../../src/counterbus/index.ts';
import { startSimulator, type RunningSimulator } from '../../src/link/index.ts';

// The CommonJS module is its own default (module.exports.default = module.exports); `.default` is the typed class.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;

const dir = mkdtempSync(join(tmpdir(), 'onedoor-counterbus-'));
const running: RunningSimulator<CounterBusSim>[] = [];
const clients: ModbusRTU[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await new Promise<void>((resolve) => (c.isOpen ? c.close(() => resolve()) : resolve()));
  for (const r of running.splice(0)) await r.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Connect = (sim: RunningSimulator<CounterBusSim>, client: ModbusRTU) => Promise<void>;
const BAUD = 9600;
const links: [string, 'pty' | 'tcp', Connect][] = [
  ['PTY', 'pty', (sim, client) => client.connectRTUBuffered(sim.path!, { baudRate: BAUD })],
  ['TCP', 'tcp', (sim, client) => client.connectTelnet('127.0.0.1', { port: sim.port! })],
];

async function start(link: 'pty' | 'tcp', connect: Connect, id: string) {
  const sim = await startSimulator(new CounterBusSim({ id, terminals: 4 }), { link, baud: BAUD, dir });
  running.push(sim);
  const client = new ModbusRTU();
  clients.push(client);
  await connect(sim, client);
  client.setTimeout(2000);
  return { sim, device: sim.device, client };
}

/** The Modbus exception code a modbus-serial call was refused with. */
async function exceptionOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (err) {
    return (err as { modbusCode?: number }).modbusCode;
  }
  throw new Error('the call succeeded but an exception was expected');
}

for (const [name, link, connect] of links) {
  describe(`modbus-serial master over ${name}`, () => {
    it('reads key events, acknowledges them and writes a display', async () => {
      const { device, client } = await start(link, connect, `cb-events-${link}`);
      client.setID(3);
      await device.press(3, 'callNext');
      await client.writeRegister(CounterReg.ratingPad, 1); // the clerk finished: light the pad for the citizen
      await device.expectRatingPad(3, true);
      await device.rate(3, 2);
      const block = await client.readInputRegisters(CounterReg.eventCount, 17);
      expect(decodeCounterEvents(block.data)).toEqual({
        pending: 2, events: [{ key: 'callNext', arg: 0 }, { key: 'rating', rating: 2 }],
      });
      await client.writeRegister(CounterReg.ack, 2);
      expect((await client.readInputRegisters(CounterReg.eventCount, 1)).data).toEqual([0]);

      await client.writeRegisters(CounterReg.displayText, encodeCounterDisplayText('A012'));
      await device.expectDisplay(3, 'A012');
      expect(decodeCounterDisplayText((await client.readHoldingRegisters(CounterReg.displayText, 4)).data)).toBe('A012');
      await client.writeRegister(CounterReg.led, 2);
      await device.expectLed(3, 'red');
    });

    it('polls every terminal in turn and reads the identity registers', async () => {
      const { device, client } = await start(link, connect, `cb-poll-${link}`);
      for (const u of [1, 2, 3, 4]) await device.press(u, 'digit', u);
      for (const u of [1, 2, 3, 4]) {
        client.setID(u);
        expect(decodeCounterEvents((await client.readInputRegisters(0, 17)).data).events).toEqual([{ key: 'digit', arg: u }]);
      }
      client.setID(4);
      expect(decodeCounterIdentity((await client.readInputRegisters(CounterReg.model, 3)).data)).toMatchObject({ model: 0x0c01, firmware: '1.3' });
    });

    it('gets exceptions 01, 02 and 03 from a terminal', async () => {
      const { client } = await start(link, connect, `cb-exc-${link}`);
      client.setID(2);
      expect(await exceptionOf(client.readCoils(0, 8))).toBe(1);
      expect(await exceptionOf(client.readInputRegisters(0x0050, 1))).toBe(2);
      expect(await exceptionOf(client.writeRegister(CounterReg.ack, 1))).toBe(3); // nothing pending
    });

    it('recovers after replies with a bad CRC: the master drops them, the next poll works', async () => {
      const { device, client } = await start(link, connect, `cb-crc-${link}`);
      client.setID(1);
      client.setTimeout(500);
      await device.act('fault-crc', { count: 1 });
      await expect(client.readInputRegisters(0, 17)).rejects.toThrow();
      expect((await client.readInputRegisters(0, 17)).data).toHaveLength(17);
    });
  });
}
