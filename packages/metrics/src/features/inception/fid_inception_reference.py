"""pytorch-fid's FID Inception-V3 built from torchvision's inception_v3 with pytorch-fid's block changes
applied here (average pooling that leaves the padding out in Mixed_5b-d, 6b-e and 7b; max pooling in
Mixed_7c), on random weights: the reference of inception-parity.spec.ts and of bench/inception.bench.ts.
`python3 fid_inception_reference.py OUT` writes the state dict as a zip .pth, a legacy .pth and a
safetensors file, three random 32x32 images and their pool3 features (pytorch-fid's input path)."""
import json, struct, sys
import numpy as np, torch, torch.nn.functional as F, torchvision
from torchvision.models.inception import InceptionA, InceptionC, InceptionE


def avg(x):  # TensorFlow's average pooling: the padding is not counted
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)

class A(InceptionA):
    def forward(self, x):
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), self.branch5x5_2(self.branch5x5_1(x)), b3, self.branch_pool(avg(x))], 1)

class C(InceptionC):
    def forward(self, x):
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        d = x
        for m in [self.branch7x7dbl_1, self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5]:
            d = m(d)
        return torch.cat([self.branch1x1(x), b7, d, self.branch_pool(avg(x))], 1)

class E(InceptionE):
    def __init__(self, c, pool):
        super().__init__(c)
        self.pool = pool
    def forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        d = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        d = torch.cat([self.branch3x3dbl_3a(d), self.branch3x3dbl_3b(d)], 1)
        return torch.cat([self.branch1x1(x), b3, d, self.branch_pool(self.pool(x))], 1)


def build_net(seed=0):
    """The network in eval mode, its weights and BatchNorm statistics random (He-scaled so activations stay O(1))."""
    torch.manual_seed(seed)
    net = torchvision.models.inception_v3(num_classes=1008, aux_logits=False, init_weights=False)
    net.Mixed_5b, net.Mixed_5c, net.Mixed_5d = A(192, 32), A(256, 64), A(288, 64)
    net.Mixed_6b, net.Mixed_6c, net.Mixed_6d, net.Mixed_6e = C(768, 128), C(768, 160), C(768, 160), C(768, 192)
    net.Mixed_7b = E(1280, avg)
    net.Mixed_7c = E(2048, lambda x: F.max_pool2d(x, kernel_size=3, stride=1, padding=1))
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.Conv2d):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0, (2.0 / fan_in) ** 0.5)
            elif isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.6, 1.4); m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1); m.running_var.uniform_(0.5, 2.0)
    net.eval()
    return net


def pool3(net, images):
    """pytorch-fid's InceptionV3 forward on uint8 NHWC images: x / 255, bilinear resize to 299 (align_corners=False), 2x - 1, blocks 0-3."""
    blocks = [net.Conv2d_1a_3x3, net.Conv2d_2a_3x3, net.Conv2d_2b_3x3, torch.nn.MaxPool2d(3, 2), net.Conv2d_3b_1x1, net.Conv2d_4a_3x3,
              torch.nn.MaxPool2d(3, 2), net.Mixed_5b, net.Mixed_5c, net.Mixed_5d, net.Mixed_6a, net.Mixed_6b, net.Mixed_6c, net.Mixed_6d,
              net.Mixed_6e, net.Mixed_7a, net.Mixed_7b, net.Mixed_7c, torch.nn.AdaptiveAvgPool2d(1)]
    with torch.no_grad():
        x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255
        x = F.interpolate(x, size=(299, 299), mode='bilinear', align_corners=False)
        x = 2 * x - 1
        for b in blocks:
            x = b(x)
    return x.flatten(1).numpy().astype(np.float32)


def save(sd, out):
    """The state dict as torch.save writes it in both formats, and as safetensors."""
    torch.save(sd, out + '/zip.pth')
    torch.save(sd, out + '/legacy.pth', _use_new_zipfile_serialization=False)
    header, blobs, offset = {}, [], 0
    for name, t in sd.items():
        t = t.contiguous()
        raw = t.numpy().tobytes()
        header[name] = dict(dtype={torch.float32: 'F32', torch.int64: 'I64'}[t.dtype], shape=list(t.shape), data_offsets=[offset, offset + len(raw)])
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(out + '/weights.safetensors', 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


if __name__ == '__main__':
    out = sys.argv[1]
    net = build_net(0)
    save(net.state_dict(), out)
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    images[0, :, :16] = 0; images[0, :, 16:] = 255  # hard edges for the resize
    images.tofile(out + '/images.u8')
    pool3(net, images).tofile(out + '/features.f32')
