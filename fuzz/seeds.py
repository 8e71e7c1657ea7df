"""Writes the hand-made seed inputs of the fuzz targets into fuzz/corpus/<target>/seed-*
(FUZZING.md): typical inputs and the malformed ones of tests/cli_bad_input.rs, so the
fuzzer starts from every code path they reach. Run by hand from the crate root:
python3 fuzz/seeds.py"""
import os
import random
import struct

BASE = 'fuzz/corpus'


def put(target, name, data):
    os.makedirs(f'{BASE}/{target}', exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(f'{BASE}/{target}/seed-{name}', 'wb') as f:
        f.write(data)


def sample(values, head=0):
    return bytes([head]) + b''.join(struct.pack('<d', x) for x in values)


random.seed(1)
rows = '\n'.join(f"{random.gauss(0, 1):.4f},{random.gauss(0, 1):.4f},{random.gauss(0, 1):.4f},{i % 3}"
                 for i in range(30))
# csv_problem: the first byte picks the response column and the preprocessing.
csvs = [(0, rows), (1, rows), (2, 'x1,x2,y\n' + rows), (0x40 | 4, rows), (0, ''), (0, 'x1,x2,y\n'),
        (0, '1,2,3\n'), (0, '1,2,3\n4,5\n6,7,8\n'), (0, '1,2,3\n4,abc,6\n7,8,9\n1,1,2\n'),
        (0, '1,2,3\n4,NaN,6\n7,8,9\n'), (0, '1,2,3\n4,1e400,6\n7,8,9\n'), (0, '0,0,1\n0,0,2\n0,0,3\n'),
        (0, '1e299,2e299,1\n3e299,1e299,2\n2e299,2e299,3\n'),
        (0, '1e-90,2e-90,1\n3e-90,1e-90,2\n2e-90,2e-90,3\n'), (2, '1,5,3\n1,6,4\n1,7,5\n'),
        (0, '1\n2\n3\n'), (0, '"a",b;c\n1;2;3\n'), (0, '1,2,3\r\n4,5,6\r\n7,8,10\r\n')]
for i, (head, body) in enumerate(csvs):
    put('csv_problem', f'{i:02}', bytes([head]) + body.encode())
queries = ['', 'gamma=0.05', 'gamma=abc', 'gamma=NaN', 'runs=1e12', 'data=digits&n=200&d=10',
           'data=spectrum&shape=power-law&decay=1.5&n=40&d=8',
           'data=spectrum&shape=condition&condition=100&n=30&d=5',
           'data=synthetic&n=20&d=4&gamma=0.5&batch=2&delta=0.01', 'method=both&runs=10&steps=100',
           'embed=1&hill_k=20', 'delta=1e300', 'gamma=1e308', 'batch=0', 'coordinate=9&d=4&n=10',
           '%67amma=0.1&x=%zz', '?seed=18446744073709551615', 'data=digits-rf&n=50&d=20',
           'replacement=true&samples_per_run=3', 'response=1&preprocess=standardize', 'n=2&d=2000000']
for i, q in enumerate(queries):
    put('config_query', f'{i:02}', q)
put('sample_analysis', '00', sample([random.gauss(0, 1) for _ in range(200)]))
put('sample_analysis', '01', sample([random.paretovariate(2.5) for _ in range(200)], 2))
put('sample_analysis', '02', sample([random.gauss(0, 1) / abs(random.gauss(0, 1)) ** 0.5 for _ in range(150)], 1))
put('sample_analysis', '03', sample([1.0] * 50))
put('sample_analysis', '04', sample([float('nan')] + [1.0, 2.0] * 20))
put('sample_analysis', '05', sample([float('inf'), -1e308, 1e308, 0.0, 5e-324] * 10))
put('sample_analysis', '06', sample([random.gauss(0, 1) for _ in range(100)], 4 * 20))
put('sample_analysis', '07', sample([1.0, 2.0]))
put('sample_analysis', '08', sample([random.gauss(0, 1e-300) for _ in range(100)]))
put('sample_analysis', '09', sample([random.gauss(1e300, 1e299) for _ in range(100)]))
put('sample_analysis', '10', sample([random.choice([0.0, 1.0, -1.0]) for _ in range(100)]))
# Externally tagged: {"variant": {fields}}, or "variant" alone for a unit variant.
messages = ['"ready"', '{"panic":{"message":"x"}}', '{"run":{"job":1,"config":{},"csv":null}}',
            '{"run":{"job":3,"config":{"gamma":0.1,"data":"csv"},"csv":"1,2\\n3,4\\n"}}',
            '{"run-part":{"job":2,"config":{},"csv":null,"method":"sgd","runs":{"start":0,"end":5}}}',
            '{"sweep-plan":{"job":4,"config":{}}}', '{"error":{"job":1,"field":"gamma","message":"too large"}}',
            '{"progress":{"job":1,"done":5,"total":10}}', '{"done":{"job":1}}', '[]',
            '{"analyse":{"job":1,"config":{},"csv":null,"simulations":[]}}',
            '{"sweep-point":{"job":1,"config":{},"csv":null,"index":0}}']
for i, m in enumerate(messages):
    put('worker_messages', f'{i:02}', m)
